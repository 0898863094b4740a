/**
 * Who acts on a request. A rep route carries the signed-in rep or manager (from the claims API
 * Gateway's JWT authorizer verified); a public route carries nobody: the link token is the
 * capability. The Cognito group below makes a manager, in the user pool and in the claims alike.
 */
export interface User {
  id: string;
  email: string;
  name: string;
  manager: boolean;
}

export const MANAGERS_GROUP = 'managers';
