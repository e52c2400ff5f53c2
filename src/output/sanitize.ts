/**
 * File names and details are untrusted text: a name holding ESC[31m or a newline must not repaint
 * the user's terminal or break a table row. Control characters are shown escaped instead.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
