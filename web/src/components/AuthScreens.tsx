/** Sign up, confirm the emailed code, sign in and reset a forgotten password. */
import { PASSWORD_POLICY } from '@tasktracker/api/contract';
import { type FormEvent, useState } from 'react';
import { authErrorMessage } from '../auth/messages.js';
import { passwordHint } from '../auth/password-hint.js';
import { Link, useRouter } from '../router.js';
import { useServices } from '../services.js';
import { Field, FormError } from './Field.js';

const PASSWORD_HINT = passwordHint(PASSWORD_POLICY);

/** Runs an auth call with a busy flag and a one-line error message. */
function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(authErrorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function confirmPath(email: string): string {
  return `/confirm?email=${encodeURIComponent(email)}`;
}

function Notice({ text }: { readonly text: string | undefined }) {
  return text ? (
    <p role="status" className="notice">
      {text}
    </p>
  ) : null;
}

function EmailField({ value, onChange }: { readonly value: string; readonly onChange: (v: string) => void }) {
  return (
    <Field label="Email">
      {(props) => (
        <input
          {...props}
          type="email"
          autoComplete="email"
          required
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/**
 * On the local cloud no e-mail leaves the machine: point at the page that lists the codes the
 * local Cognito "sent". Deployed stages have no such page, so nothing is shown there.
 */
function LocalCodesHint() {
  const { localCodesUrl } = useServices();
  if (!localCodesUrl) return null;
  return (
    <p className="local-codes">
      Running on the local cloud, which sends no e-mail: find your code on the{' '}
      <a href={localCodesUrl} target="_blank" rel="noreferrer">
        local codes page (opens in a new tab)
      </a>
      .
    </p>
  );
}

/** A confirmation code e-mailed by Cognito (sign-up and password reset). */
function CodeField({ value, onChange }: { readonly value: string; readonly onChange: (v: string) => void }) {
  return (
    <Field label="Confirmation code">
      {(props) => (
        <input
          {...props}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A password being chosen (sign-up and password reset), with the policy hint. */
function NewPasswordField({
  label,
  value,
  onChange,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (v: string) => void;
}) {
  return (
    <Field label={label} hint={PASSWORD_HINT}>
      {(props) => (
        <input
          {...props}
          type="password"
          autoComplete="new-password"
          required
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function SignInScreen({ onSignedIn }: { readonly onSignedIn: (email: string) => void }) {
  const { auth } = useServices();
  const router = useRouter();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const outcome = await auth.signIn(email.trim(), password).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'UserNotConfirmedException')
          return 'needs-confirmation' as const;
        throw e;
      });
      if (outcome === 'needs-confirmation') {
        router.navigate(confirmPath(email.trim()), {
          notice: 'Enter the code we emailed you to confirm your account.',
        });
        return;
      }
      onSignedIn(email.trim());
    });
  };

  return (
    <section aria-labelledby="signin-heading" className="card">
      <h1 id="signin-heading" tabIndex={-1}>
        Sign in
      </h1>
      <Notice text={router.notice} />
      <form onSubmit={submit} noValidate>
        <EmailField value={email} onChange={setEmail} />
        <Field label="Password">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="links">
        <Link to="/signup">Create an account</Link> · <Link to="/forgot">Forgot your password?</Link>
      </p>
    </section>
  );
}

export function SignUpScreen() {
  const { auth } = useServices();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) return setError('Enter an email address and a password.');
    void run(async () => {
      await auth.signUp(email.trim(), password);
      router.navigate(confirmPath(email.trim()), { notice: 'We emailed you a confirmation code.' });
    });
  };

  return (
    <section aria-labelledby="signup-heading" className="card">
      <h1 id="signup-heading" tabIndex={-1}>
        Create an account
      </h1>
      <form onSubmit={submit} noValidate>
        <EmailField value={email} onChange={setEmail} />
        <NewPasswordField label="Password" value={password} onChange={setPassword} />
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          Sign up
        </button>
      </form>
      <p className="links">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}

export function ConfirmSignUpScreen() {
  const { auth } = useServices();
  const router = useRouter();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<string>();
  const { busy, error, setError, run } = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !code.trim()) return setError('Enter your email address and the confirmation code.');
    void run(async () => {
      await auth.confirmSignUp(email.trim(), code.trim());
      router.navigate(`/signin?email=${encodeURIComponent(email.trim())}`, {
        notice: 'Your account is confirmed. Sign in to continue.',
      });
    });
  };

  const resend = () => {
    if (!email.trim()) return setError('Enter your email address first.');
    setSent(undefined);
    void run(async () => {
      await auth.resendCode(email.trim());
      setSent('We sent you a new code.');
    });
  };

  return (
    <section aria-labelledby="confirm-heading" className="card">
      <h1 id="confirm-heading" tabIndex={-1}>
        Confirm your email
      </h1>
      <Notice text={sent ?? router.notice} />
      <LocalCodesHint />
      <form onSubmit={submit} noValidate>
        <EmailField value={email} onChange={setEmail} />
        <CodeField value={code} onChange={setCode} />
        <FormError message={error} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Confirm
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={resend}>
            Resend code
          </button>
        </div>
      </form>
      <p className="links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}

export function ForgotPasswordScreen() {
  const { auth } = useServices();
  const router = useRouter();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [codeSent, setCodeSent] = useState(false);
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const { busy, error, setError, run } = useSubmit();

  const requestCode = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) return setError('Enter your email address.');
    void run(async () => {
      await auth.forgotPassword(email.trim());
      setCodeSent(true);
    });
  };

  const reset = (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim() || !newPassword) return setError('Enter the code and a new password.');
    void run(async () => {
      await auth.confirmForgotPassword(email.trim(), code.trim(), newPassword);
      router.navigate(`/signin?email=${encodeURIComponent(email.trim())}`, {
        notice: 'Your password is changed. Sign in with the new one.',
      });
    });
  };

  return (
    <section aria-labelledby="forgot-heading" className="card">
      <h1 id="forgot-heading" tabIndex={-1}>
        Reset your password
      </h1>
      {codeSent ? (
        <form onSubmit={reset} noValidate>
          <p role="status" className="notice">
            If an account exists for {email.trim()}, we emailed it a code.
          </p>
          <LocalCodesHint />
          <CodeField value={code} onChange={setCode} />
          <NewPasswordField label="New password" value={newPassword} onChange={setNewPassword} />
          <FormError message={error} />
          <button type="submit" disabled={busy}>
            Reset password
          </button>
        </form>
      ) : (
        <form onSubmit={requestCode} noValidate>
          <EmailField value={email} onChange={setEmail} />
          <FormError message={error} />
          <button type="submit" disabled={busy}>
            Send code
          </button>
        </form>
      )}
      <p className="links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}
