/** The app shell: who is signed in, which screen the URL names, and the header with "Sign out". */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type TaskApi } from './api/client.js';
import { authErrorMessage } from './auth/messages.js';
import {
  ConfirmSignUpScreen,
  ForgotPasswordScreen,
  SignInScreen,
  SignUpScreen,
} from './components/AuthScreens.js';
import { EditTaskScreen } from './components/EditTaskScreen.js';
import { FormError } from './components/Field.js';
import { TasksScreen } from './components/TasksScreen.js';
import { useRouter } from './router.js';
import { ServicesProvider, useServices } from './services.js';

type Session =
  | { readonly state: 'checking' }
  | { readonly state: 'signed-out' }
  | { readonly state: 'signed-in'; readonly email: string };

/** Wraps the API so a 401 (expired or revoked session) also ends the session in the UI. */
function endingSessionOn401(api: TaskApi, onUnauthorized: () => void): TaskApi {
  const guard = <T,>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      throw error;
    });
  return {
    list: (query) => guard(api.list(query)),
    create: (input, key) => guard(api.create(input, key)),
    get: (id) => guard(api.get(id)),
    update: (id, input) => guard(api.update(id, input)),
    remove: (id) => guard(api.remove(id)),
  };
}

const PUBLIC_PATHS = new Set(['/signin', '/signup', '/confirm', '/forgot']);

function taskIdOf(path: string): string | undefined {
  const match = /^\/tasks\/([^/]+)$/.exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export function App() {
  const services = useServices();
  const { auth } = services;
  const router = useRouter();
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [signOutError, setSignOutError] = useState<string>();
  const isPublic = PUBLIC_PATHS.has(router.path);
  const { navigate } = router;

  useEffect(() => {
    auth.currentUser().then(
      (email) => setSession(email === undefined ? { state: 'signed-out' } : { state: 'signed-in', email }),
      () => setSession({ state: 'signed-out' }),
    );
  }, [auth]);

  // Screens a visitor cannot use in the current session send them where they can.
  useEffect(() => {
    if (session.state === 'signed-out' && !isPublic) navigate('/signin', { replace: true });
    if (session.state === 'signed-in' && isPublic) navigate('/', { replace: true });
  }, [session.state, isPublic, navigate]);

  // After navigating, put focus on the new screen's heading so screen readers announce it.
  const firstPath = useRef(router.path);
  useEffect(() => {
    if (router.path === firstPath.current) return;
    firstPath.current = '';
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [router.path]);

  const expireSession = useCallback(() => {
    setSession({ state: 'signed-out' });
    navigate('/signin', { notice: 'Your session has expired. Sign in again.' });
    auth.signOut().catch(() => {});
  }, [auth, navigate]);
  const guarded = useMemo(
    () => ({ ...services, api: endingSessionOn401(services.api, expireSession) }),
    [services, expireSession],
  );

  const signOut = async () => {
    setSignOutError(undefined);
    try {
      await auth.signOut();
      setSession({ state: 'signed-out' });
      navigate('/signin', { notice: 'You are signed out.' });
    } catch (e) {
      setSignOutError(authErrorMessage(e));
    }
  };

  const screen = () => {
    if (session.state === 'checking') return <p className="loading">Loading…</p>;
    if (session.state === 'signed-out') {
      if (router.path === '/signup') return <SignUpScreen />;
      if (router.path === '/confirm') return <ConfirmSignUpScreen />;
      if (router.path === '/forgot') return <ForgotPasswordScreen />;
      return <SignInScreen onSignedIn={(email) => setSession({ state: 'signed-in', email })} />;
    }
    const taskId = taskIdOf(router.path);
    if (taskId) return <EditTaskScreen key={taskId} taskId={taskId} />;
    // A signed-in user on a public route is being redirected to '/': rendering the list here
    // would keep that route's notice ("Sign in to continue") in the list's state.
    if (isPublic) return <p className="loading">Loading…</p>;
    if (router.path === '/') return <TasksScreen />;
    return (
      <section aria-labelledby="missing-heading">
        <h1 id="missing-heading" tabIndex={-1}>
          Page not found
        </h1>
        <p>
          <a href="/">Go to your tasks</a>
        </p>
      </section>
    );
  };

  return (
    <>
      <header className="app-header">
        <span className="brand">Task tracker</span>
        {session.state === 'signed-in' && (
          <div className="account">
            <span className="email">{session.email}</span>
            <button type="button" className="secondary sign-out" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <FormError message={signOutError} />
      <main id="main">
        <ServicesProvider services={guarded}>{screen()}</ServicesProvider>
      </main>
    </>
  );
}
