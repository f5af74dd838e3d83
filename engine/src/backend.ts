/**
 * Backend selection. Generated code needs `new Function`, which a Content Security Policy without
 * `unsafe-eval` blocks (it throws an EvalError); availability is probed once, then remembered.
 */
export type BackendOption = 'auto' | 'codegen' | 'interpreter';

let codegenSupported: boolean | undefined;

/** Whether `new Function` works here (probed once). */
export function codegenAvailable(): boolean {
  if (codegenSupported === undefined) {
    try {
      codegenSupported = (new Function('return 1') as () => unknown)() === 1;
    } catch {
      codegenSupported = false;
    }
  }
  return codegenSupported;
}

/** Forgets the probe result (tests simulate a CSP by replacing `Function`). Not part of the public API. */
export function resetBackendDetection(): void {
  codegenSupported = undefined;
}

/** The backend to use for a `backend` option; throws for an unknown option or an unavailable 'codegen'. */
export function chooseBackend(option: BackendOption | undefined): 'codegen' | 'interpreter' {
  switch (option ?? 'auto') {
    case 'interpreter':
      return 'interpreter';
    case 'auto':
      return codegenAvailable() ? 'codegen' : 'interpreter';
    case 'codegen':
      if (!codegenAvailable()) {
        throw new Error(
          'The "codegen" backend is not available here: new Function is blocked (a Content Security Policy ' +
            'without unsafe-eval?). Use backend "auto" or "interpreter".',
        );
      }
      return 'codegen';
    default:
      throw new RangeError(`options.backend must be "auto", "codegen" or "interpreter", got ${String(option)}`);
  }
}
