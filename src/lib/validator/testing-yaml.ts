/** Join lines into a YAML document: keeps rule examples and test cases readable and their line numbers countable. */
export const y = (...lines: string[]): string => `${lines.join('\n')}\n`;
