import { useEffect, useId, useRef } from 'react';

import { Box, JSONInput, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { styled } from 'styled-components';

import { getTranslation } from '../utils/getTranslation';

interface JsonEditorProps {
  /** The editor's accessible name. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  minHeight?: string;
  disabled?: boolean;
  hasError?: boolean;
  /** Ids of other text describing the editor (a field hint, an error). */
  describedBy?: string;
}

/**
 * JSONInput's dark theme fails AA contrast (axe color-contrast): grey line numbers on #4a4a6a and
 * the coral and violet tokens on #32324d. A darker editor and lighter line numbers bring every
 * token to 4.8:1 or more.
 */
const Frame = styled(Box)`
  && .cm-editor {
    background-color: #181826;
  }
  && .cm-gutters,
  && .cm-activeLineGutter {
    background-color: #32324d;
  }
  && .cm-gutterElement {
    color: #dcdce4;
  }
`;

/**
 * The design system's JSONInput (CodeMirror) made keyboard-safe (WCAG 2.1.2, no keyboard trap):
 * CodeMirror's Tab binding indents, so a keyboard user could not leave the editor and silently
 * edited the JSON. A capture listener on the wrapper stops Tab and Shift+Tab before CodeMirror sees
 * them, so the browser moves focus as everywhere else; indenting stays on Ctrl+] and Ctrl+[
 * (CodeMirror's default keymap), which the visible hint says. The hint and the label are set on
 * CodeMirror's own textbox, which JSONInput does not name.
 */
export const JsonEditor = ({ label, value, onChange, minHeight, disabled, hasError, describedBy }: JsonEditorProps) => {
  const { formatMessage } = useIntl();
  const wrapper = useRef<HTMLDivElement>(null);
  const hintId = `${useId()}-keys`;

  useEffect(() => {
    const element = wrapper.current;
    if (!element) return undefined;
    const leaveOnTab = (event: KeyboardEvent) => {
      if (event.key === 'Tab' && !event.ctrlKey && !event.metaKey && !event.altKey) event.stopPropagation();
    };
    element.addEventListener('keydown', leaveOnTab, true);
    return () => element.removeEventListener('keydown', leaveOnTab, true);
  }, []);

  // CodeMirror renders its textbox after mount and keeps attributes it does not manage.
  useEffect(() => {
    const name = () => {
      const textbox = wrapper.current?.querySelector('.cm-content');
      if (!textbox) return false;
      textbox.setAttribute('aria-label', label);
      textbox.setAttribute('aria-describedby', [hintId, describedBy].filter(Boolean).join(' '));
      return true;
    };
    if (name()) return undefined;
    const observer = new MutationObserver(() => {
      if (name()) observer.disconnect();
    });
    if (wrapper.current) observer.observe(wrapper.current, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [label, hintId, describedBy]);

  return (
    <Frame ref={wrapper} width="100%">
      <JSONInput value={value} minHeight={minHeight} disabled={disabled} hasError={hasError} onChange={onChange} />
      <Typography id={hintId} variant="pi" textColor="neutral600">
        {formatMessage({
          id: getTranslation('json.keys'),
          defaultMessage: 'Tab and Shift+Tab leave the editor; Ctrl+] and Ctrl+[ indent.',
        })}
      </Typography>
    </Frame>
  );
};
