/**
 * The password policy: long enough to resist guessing, from several character classes, and not
 * the username. Returns every problem, so a form can show them all at once.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH)
    problems.push(`At least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    problems.push(`At most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/[a-z]/.test(password)) problems.push('A lower-case letter');
  if (!/[A-Z]/.test(password)) problems.push('An upper-case letter');
  if (!/\d/.test(password)) problems.push('A digit');
  if (!/[^A-Za-z0-9]/.test(password)) problems.push('A symbol');
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push('Must not contain the username');
  }
  return problems;
}
