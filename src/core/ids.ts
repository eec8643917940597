// Branded ids so an ItemId can never be passed where an AccountId is expected.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ItemId = Brand<string, 'ItemId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type MediaId = Brand<string, 'MediaId'>;
export type SignalId = Brand<string, 'SignalId'>;
export type DecisionId = Brand<string, 'DecisionId'>;
export type ActionId = Brand<string, 'ActionId'>;
export type EventId = Brand<string, 'EventId'>;
export type BankId = Brand<string, 'BankId'>;
export type BankEntryId = Brand<string, 'BankEntryId'>;
export type UserId = Brand<string, 'UserId'>;
export type JobId = Brand<string, 'JobId'>;
