/**
 * Cognito's error shapes. The AWS SDK and Amplify map errors by `__type` name, so the local
 * service throws the same names with messages in Cognito's own wording.
 */
import { AwsJsonError } from '../../aws-json.js';

/** The `__type` names this service returns, as Cognito spells them. */
export type CognitoErrorType =
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'InternalErrorException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'LimitExceededException'
  | 'NotAuthorizedException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'UnsupportedOperationException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException'
  | 'UsernameExistsException';

/** An error a client caused; the HTTP layer answers it with status 400 and Cognito's JSON body. */
export class CognitoError extends AwsJsonError {
  constructor(
    override readonly type: CognitoErrorType,
    message: string,
    status = 400,
  ) {
    super(type, message, status);
    this.name = type;
  }
}

/** The message Cognito uses for a wrong password and, when existence errors are prevented, for unknown users. */
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';

export function invalidParameter(message: string): CognitoError {
  return new CognitoError('InvalidParameterException', message);
}

export function notAuthorized(message: string): CognitoError {
  return new CognitoError('NotAuthorizedException', message);
}
