// The outcome of running a plugin (upstream's framework.Status), as a discriminated union on
// `code`. The two "unschedulable" codes differ in what preemption may do about them:
// Unschedulable can be fixed by evicting pods from the node, UnschedulableAndUnresolvable cannot
// (preemption skips such nodes). Skip from a PreFilter/PreScore means "this plugin has nothing to
// say for this pod": its Filter/Score is not run.

export type Status =
  | { readonly code: 'Success' }
  | { readonly code: 'Skip' }
  | { readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable'; readonly reasons: readonly string[]; plugin?: string }
  | { readonly code: 'Error'; readonly error: Error; plugin?: string };

export type Code = Status['code'];
export type Rejection = Extract<Status, { code: 'Unschedulable' | 'UnschedulableAndUnresolvable' }>;

export const SUCCESS: Status = Object.freeze({ code: 'Success' });
export const SKIP: Status = Object.freeze({ code: 'Skip' });

export const unschedulable = (...reasons: string[]): Rejection => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Rejection => ({ code: 'UnschedulableAndUnresolvable', reasons });
export const asError = (e: unknown): Status => ({ code: 'Error', error: e instanceof Error ? e : new Error(String(e)) });

export const isSuccess = (s: Status): boolean => s.code === 'Success';
export const isRejection = (s: Status): s is Rejection =>
  s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

/** The reasons a status gives (an error's message for Error), for messages and explanations. */
export const reasonsOf = (s: Status): readonly string[] => {
  switch (s.code) {
    case 'Unschedulable':
    case 'UnschedulableAndUnresolvable':
      return s.reasons;
    case 'Error':
      return [s.error.message];
    default:
      return [];
  }
};

/** Copies a status and records which plugin returned it. */
export const withPlugin = (s: Status, plugin: string): Status =>
  s.code === 'Success' || s.code === 'Skip' ? s : { ...s, plugin };
