export type EvidenceErrorCode = 'not_found' | 'invalid' | 'purged' | 'not_stored' | 'conflict';

/** A refusal the API and CLI pass on as is (the code picks the HTTP status). */
export class EvidenceError extends Error {
  constructor(readonly code: EvidenceErrorCode, message: string) {
    super(message);
  }
}
