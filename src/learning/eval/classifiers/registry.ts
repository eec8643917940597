import type { HavenConfig } from '../../../config.js';
import type { Queryable } from '../../../store/db.js';
import type { EvalClassifier } from '../types.js';
import { registerLlmClassifiers } from './llm.js';
import { registerLocalClassifiers } from './local.js';

/** What a factory may use to build a classifier. */
export interface ClassifierContext {
  q: Queryable;
  /** Haven's configuration, for classifiers that need more than the database (e.g. an LLM provider's key). */
  config?: HavenConfig;
}

/** The name asked for, split at '@': 'rules@3' is base 'rules', version '3'. `match` is set for RegExp patterns. */
export interface ClassifierRequest {
  name: string;
  version: string | null;
  match: RegExpMatchArray | null;
}

export type ClassifierFactory = (ctx: ClassifierContext, request: ClassifierRequest) => Promise<EvalClassifier> | EvalClassifier;

export interface ClassifierRegistration {
  pattern: string | RegExp;
  description: string;
  factory: ClassifierFactory;
}

/**
 * Named classifiers, built on demand from the database. A string pattern 'rules' answers 'rules' and 'rules@ANY'
 * (the factory reads `request.version`); a RegExp answers the names it matches as a whole.
 */
export class ClassifierRegistry {
  private readonly entries: ClassifierRegistration[] = [];

  register(pattern: string | RegExp, factory: ClassifierFactory, description = ''): void {
    if (typeof pattern === 'string' && !/^[A-Za-z0-9_.-]+$/.test(pattern)) {
      throw new Error(`a classifier name is letters, digits, _ . - (a version goes after @ when asked for), got '${pattern}'`);
    }
    const key = String(pattern);
    if (this.entries.some((e) => String(e.pattern) === key)) throw new Error(`classifier ${key} is already registered`);
    this.entries.push({ pattern, factory, description });
  }

  resolve(name: string): { registration: ClassifierRegistration; request: ClassifierRequest } | null {
    const at = name.indexOf('@');
    const base = at < 0 ? name : name.slice(0, at);
    const version = at < 0 ? null : name.slice(at + 1);
    for (const registration of this.entries) {
      const p = registration.pattern;
      if (typeof p === 'string') {
        if (p === base) return { registration, request: { name, version, match: null } };
      } else {
        const m = name.match(p);
        if (m && m[0] === name) return { registration, request: { name, version, match: m } };
      }
    }
    return null;
  }

  async create(ctx: ClassifierContext, name: string): Promise<EvalClassifier> {
    const found = this.resolve(name);
    if (!found) throw new Error(`no classifier named ${name}; known: ${this.list().map((e) => e.pattern).join(', ')}`);
    return found.registration.factory(ctx, found.request);
  }

  list(): { pattern: string; description: string }[] {
    return this.entries.map((e) => ({ pattern: String(e.pattern), description: e.description }));
  }
}

/** The registry the CLI uses; the local classifiers (rules, model, pipeline) are registered on load. */
export const classifierRegistry = new ClassifierRegistry();
registerLocalClassifiers(classifierRegistry);
registerLlmClassifiers(classifierRegistry);

/** Registers a classifier in the shared registry, e.g. registerClassifier('llm', async (ctx, req) => ...). */
export function registerClassifier(pattern: string | RegExp, factory: ClassifierFactory, description = ''): void {
  classifierRegistry.register(pattern, factory, description);
}

/** Builds a classifier by name from the shared registry. */
export function createClassifier(ctx: ClassifierContext, name: string): Promise<EvalClassifier> {
  return classifierRegistry.create(ctx, name);
}
