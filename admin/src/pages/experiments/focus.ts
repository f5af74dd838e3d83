/**
 * Where focus goes when the control that had it disappears or turns disabled (Save once saved,
 * Start once started): a keyboard user would otherwise be sent back to the top of the page.
 */

/** Focuses the page's title (made focusable by script only, so it is no tab stop). */
export const focusPageHeading = () => {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
};

/** Focuses the first enabled control matching `selector` within `container`, or the page's title. */
export const focusFirstOrHeading = (container: HTMLElement | null, selector: string) => {
  const target = container?.querySelector<HTMLElement>(`${selector}:not([disabled]):not([aria-disabled="true"])`);
  if (target) target.focus();
  else focusPageHeading();
};
