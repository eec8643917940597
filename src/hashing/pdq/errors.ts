/** Why an image could not be PDQ-hashed: refused (too large, empty) or undecodable. */
export class PdqError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdqError';
  }
}
