// Media is hazardous: it is shown as a server-side blurred greyscale preview,
// with a CSS blur on top. Revealing the original requires `media:view`, is
// audited server-side, and is never automatic.
import { useEffect, useState } from 'react';
import { api, type MediaPart } from '../api.js';
import { formatBytes } from '../format.js';
import { ErrorBox, Mono } from './ui.js';

export function MediaThumb({
  media,
  canReveal,
  onRevealed,
}: {
  media: MediaPart;
  canReveal: boolean;
  /** called after the original was loaded (the server records a media_viewed event) */
  onRevealed?: () => void;
}) {
  const [originalUrl, setOriginalUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [previewFailed, setPreviewFailed] = useState(false);

  // Release the object URL when hidden or unmounted.
  useEffect(
    () => () => {
      if (originalUrl) URL.revokeObjectURL(originalUrl);
    },
    [originalUrl],
  );

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setOriginalUrl(await api.revealMedia(media.id));
      onRevealed?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revealed = originalUrl !== null;
  const isImage = media.mime.startsWith('image/');
  const dims = media.width && media.height ? `${media.width}×${media.height}` : null;

  return (
    <figure className="media" data-media-id={media.id} data-revealed={revealed ? 'true' : 'false'}>
      <div className="media-frame">
        {revealed && isImage ? (
          <img
            className="media-img media-revealed"
            src={originalUrl}
            alt={`Media part ${media.index + 1} (revealed)`}
          />
        ) : revealed ? (
          <div className="media-placeholder">
            Original is {media.mime}.{' '}
            <a href={originalUrl} download={`media-${media.id}`}>
              Download
            </a>
          </div>
        ) : media.stored && isImage && !previewFailed ? (
          <img
            className="media-img media-blurred"
            src={api.mediaPreviewUrl(media.id)}
            alt={`Media part ${media.index + 1} (blurred preview)`}
            loading="lazy"
            draggable={false}
            onError={() => setPreviewFailed(true)}
          />
        ) : (
          <div className="media-placeholder">
            {!media.stored
              ? 'Not stored (hashes only)'
              : isImage
                ? 'Preview unavailable'
                : `No preview for ${media.mime}`}
          </div>
        )}
        {!revealed ? <span className="media-flag">Blurred</span> : null}
      </div>
      <figcaption>
        <div className="media-meta">
          <span>#{media.index + 1}</span>
          <span>{media.mime}</span>
          <span>{formatBytes(media.bytes)}</span>
          {dims ? <span>{dims}</span> : null}
        </div>
        <div className="media-hashes">
          <span className="hash-label">md5</span> <Mono value={media.md5} short={8} copy />
          <br />
          <span className="hash-label">sha256</span> <Mono value={media.sha256} short={8} copy />
        </div>
        {media.stored && canReveal ? (
          <div className="media-actions">
            {revealed ? (
              <button type="button" className="btn btn-small" onClick={() => setOriginalUrl(null)}>
                Hide
              </button>
            ) : (
              <button type="button" className="btn btn-small btn-warn" disabled={busy} onClick={() => void reveal()}>
                {busy ? 'Loading…' : 'Reveal'}
              </button>
            )}
            <span className="audit-note">Viewing is recorded in the audit log</span>
          </div>
        ) : null}
        <ErrorBox error={error} title="Could not reveal" />
      </figcaption>
    </figure>
  );
}
