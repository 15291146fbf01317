/**
 * The app's view of Cognito, backed by Amplify v6 Auth. The endpoint and sign-in flow come from
 * `/config.json`, so the same build signs in against AWS (SRP) and the local cloud (password flow).
 */
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword,
  confirmSignUp,
  fetchAuthSession,
  getCurrentUser,
  resendSignUpCode,
  resetPassword,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import type { RuntimeConfig } from '../runtime-config.js';

/** Result of a sign-in attempt that did not throw. */
export type SignInOutcome = 'signed-in' | 'needs-confirmation';

/** What the UI needs from the identity provider; components receive it through ServicesContext. */
export interface AuthClient {
  /** The signed-in user's email, or undefined when nobody is signed in. */
  currentUser(): Promise<string | undefined>;
  signUp(email: string, password: string): Promise<void>;
  confirmSignUp(email: string, code: string): Promise<void>;
  resendCode(email: string): Promise<void>;
  signIn(email: string, password: string): Promise<SignInOutcome>;
  signOut(): Promise<void>;
  forgotPassword(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void>;
  /** The current ID token (refreshed when expired), for the API's `Authorization` header. */
  idToken(): Promise<string | undefined>;
}

/** Configures Amplify from the runtime config and returns the AuthClient over it. */
export function createAmplifyAuth(config: RuntimeConfig): AuthClient {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        ...(config.cognitoEndpoint ? { userPoolEndpoint: config.cognitoEndpoint } : {}),
        loginWith: { email: true },
        signUpVerificationMethod: 'code',
      },
    },
  });
  const authFlowType = config.authFlow;

  return {
    async currentUser() {
      try {
        await getCurrentUser();
      } catch {
        return undefined;
      }
      const session = await fetchAuthSession();
      const email = session.tokens?.idToken?.payload.email;
      return typeof email === 'string' ? email : '';
    },
    async signUp(email, password) {
      await signUp({ username: email, password, options: { userAttributes: { email } } });
    },
    async confirmSignUp(email, code) {
      await confirmSignUp({ username: email, confirmationCode: code });
    },
    async resendCode(email) {
      await resendSignUpCode({ username: email });
    },
    async signIn(email, password) {
      const result = await signIn({ username: email, password, options: { authFlowType } });
      if (result.isSignedIn) return 'signed-in';
      if (result.nextStep.signInStep === 'CONFIRM_SIGN_UP') return 'needs-confirmation';
      throw new Error(
        `This account needs a sign-in step the app does not support (${result.nextStep.signInStep}).`,
      );
    },
    async signOut() {
      await signOut();
    },
    async forgotPassword(email) {
      await resetPassword({ username: email });
    },
    async confirmForgotPassword(email, code, newPassword) {
      await confirmResetPassword({ username: email, confirmationCode: code, newPassword });
    },
    async idToken() {
      const session = await fetchAuthSession();
      return session.tokens?.idToken?.toString();
    },
  };
}
