/** C0 and C1 control characters except tab, line feed and carriage return (which a reader expects). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Control characters (a hostile reason phrase, a NUL in a body) escaped as `\u0000`, so that the console,
 * JUnit and the reports stay readable and no terminal control sequence is ever replayed.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
