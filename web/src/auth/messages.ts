/** Cognito error names (Amplify's AuthError.name) → what the user should read. */
const MESSAGES: Readonly<Record<string, string>> = {
  UserNotFoundException: 'Incorrect email or password.',
  NotAuthorizedException: 'Incorrect email or password.',
  UsernameExistsException: 'An account with this email already exists. Sign in instead.',
  UserNotConfirmedException: 'Confirm your email address before signing in.',
  CodeMismatchException: 'That confirmation code is not right. Check it and try again.',
  ExpiredCodeException: 'That confirmation code has expired. Ask for a new one.',
  InvalidPasswordException: 'The password does not meet the requirements.',
  InvalidParameterException: 'Check the email address and password.',
  LimitExceededException: 'Too many attempts. Wait a while and try again.',
  TooManyRequestsException: 'Too many attempts. Wait a while and try again.',
  TooManyFailedAttemptsException: 'Too many attempts. Wait a while and try again.',
  NetworkError: 'Could not reach the sign-in service. Check your connection and try again.',
  EmptySignInUsername: 'Enter your email address.',
  EmptySignInPassword: 'Enter your password.',
  UserAlreadyAuthenticatedException: 'You are already signed in.',
};

/** One readable line for an auth failure: a known Cognito error, else its own message. */
export function authErrorMessage(error: unknown): string {
  if (error instanceof Error) {
    const known = MESSAGES[error.name];
    if (error.name === 'InvalidPasswordException' && error.message)
      return error.message.replace(/^.*?: /, '');
    return known ?? (error.message || 'Something went wrong. Try again.');
  }
  return 'Something went wrong. Try again.';
}
