// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../src/App.js';
import { ApiError } from '../src/api/errors.js';
import type { AuthClient } from '../src/auth/auth.js';
import { FakeTaskApi } from './fake-task-api.js';
import { renderWithServices } from './render.js';

afterEach(cleanup);

function cognitoError(name: string): Error {
  const error = new Error(`${name} from Cognito`);
  error.name = name;
  return error;
}

/** An in-memory user pool: accounts need the emailed code (always 123456) before sign-in. */
function fakeUserPool(): AuthClient & { users: Map<string, { password: string; confirmed: boolean }> } {
  const users = new Map<string, { password: string; confirmed: boolean }>();
  let current: string | undefined;
  return {
    users,
    currentUser: async () => current,
    signUp: async (email, password) => {
      if (users.has(email)) throw cognitoError('UsernameExistsException');
      users.set(email, { password, confirmed: false });
    },
    confirmSignUp: async (email, code) => {
      const user = users.get(email);
      if (!user || code !== '123456') throw cognitoError('CodeMismatchException');
      user.confirmed = true;
    },
    resendCode: async () => {},
    signIn: async (email, password) => {
      const user = users.get(email);
      if (!user || user.password !== password) throw cognitoError('NotAuthorizedException');
      if (!user.confirmed) throw cognitoError('UserNotConfirmedException');
      current = email;
      return 'signed-in';
    },
    signOut: async () => {
      current = undefined;
    },
    forgotPassword: async () => {},
    confirmForgotPassword: async () => {},
    idToken: async () => (current ? 'token' : undefined),
  };
}

describe('App', () => {
  it('takes a new user from sign up through the emailed code to their tasks, and signs out', async () => {
    const auth = fakeUserPool();
    const user = userEvent.setup();
    renderWithServices(<App />, { api: new FakeTaskApi(), auth, url: '/tasks/abc' });

    // A protected page sends a signed-out visitor to sign in.
    await screen.findByRole('heading', { name: 'Sign in' });
    // The address follows the screen in an effect after the render.
    await waitFor(() => expect(window.location.pathname).toBe('/signin'));
    await user.click(screen.getByRole('link', { name: 'Create an account' }));

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'Str0ng!Passw0rd');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    await screen.findByRole('heading', { name: 'Confirm your email' });
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ada@example.com');
    await user.type(screen.getByLabelText('Confirmation code'), '000000');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That confirmation code is not right. Check it and try again.',
    );
    await user.clear(screen.getByLabelText('Confirmation code'));
    await user.type(screen.getByLabelText('Confirmation code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.getByRole('status').textContent).toBe('Your account is confirmed. Sign in to continue.');
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Incorrect email or password.');
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'Str0ng!Passw0rd');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: 'Your tasks' });
    await waitFor(() => expect(window.location.pathname).toBe('/'));
    expect(screen.getByRole('banner').textContent).toContain('ada@example.com');
    // The sign-in screen's notice does not follow the user to their tasks.
    expect(screen.queryByText('Your account is confirmed. Sign in to continue.')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('sends an unconfirmed user who signs in to the confirmation screen', async () => {
    const auth = fakeUserPool();
    auth.users.set('bob@example.com', { password: 'pw', confirmed: false });
    const user = userEvent.setup();
    renderWithServices(<App />, { api: new FakeTaskApi(), auth, url: '/signin' });
    await user.type(await screen.findByLabelText('Email'), 'bob@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Confirm your email' });
    expect(window.location.search).toBe('?email=bob%40example.com');
  });

  it('opens the edit screen for a task URL when signed in (a reload keeps the page)', async () => {
    const api = new FakeTaskApi();
    const [task] = api.seed(1, () => ({ title: 'Deep link' }));
    const auth = fakeUserPool();
    auth.users.set('ada@example.com', { password: 'pw', confirmed: true });
    await auth.signIn('ada@example.com', 'pw');
    renderWithServices(<App />, { api, auth, url: `/tasks/${task?.id}` });
    await screen.findByRole('heading', { name: 'Edit task' });
    await waitFor(() => expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Deep link'));
  });

  it('sends the user to sign in when the API says the session is no longer valid', async () => {
    const api = new FakeTaskApi();
    api.list = async () => {
      throw new ApiError(401, 'unauthorized', 'Your session has expired. Sign in again.');
    };
    const auth = fakeUserPool();
    auth.users.set('ada@example.com', { password: 'pw', confirmed: true });
    await auth.signIn('ada@example.com', 'pw');
    renderWithServices(<App />, { api, auth, url: '/' });

    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.getByRole('status').textContent).toBe('Your session has expired. Sign in again.');
    expect(await auth.currentUser()).toBeUndefined();
  });
});
