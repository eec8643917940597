// The postmortem: Markdown from the server, offered as a download and previewed as plain preformatted text.
import { useEffect, useState } from 'react';
import { invApi } from '../../investigations-api.js';
import { ErrorBox, Section } from '../ui.js';
import { useSubmit } from './common.js';

export function PostmortemPanel({ escalationId }: { escalationId: string }) {
  const [markdown, setMarkdown] = useState<string | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const load = useSubmit();

  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  const generate = () =>
    load.run(async () => {
      const md = await invApi.postmortem(escalationId);
      setMarkdown(md);
      setUrl(URL.createObjectURL(new Blob([md], { type: 'text/markdown' })));
    });

  return (
    <Section title="Postmortem" id="postmortem">
      <div className="toolbar">
        <button type="button" className="btn btn-small" onClick={() => void generate()} disabled={load.busy} data-testid="postmortem-generate">
          {load.busy ? 'Writing…' : markdown ? 'Refresh postmortem' : 'Export postmortem'}
        </button>
        {url ? (
          <a className="btn btn-small btn-primary" href={url} download={`escalation-${escalationId}.md`} data-testid="postmortem-download">
            Download Markdown
          </a>
        ) : null}
        <span className="muted small">Summary, timeline, root causes, fixes, follow-ups and loop times. No media.</span>
      </div>
      <ErrorBox error={load.error} title="Could not export the postmortem" />
      {markdown ? (
        <pre className="postmortem" data-testid="postmortem-preview">
          {markdown}
        </pre>
      ) : null}
    </Section>
  );
}
