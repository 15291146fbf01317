/** Sign up, confirm the emailed code, sign in and reset a forgotten password. */
import { PASSWORD_POLICY } from '@tasktracker/api/contract';
import { type FormEvent, type InputHTMLAttributes, type ReactNode, useId, useState } from 'react';
import { authErrorMessage } from '../auth/messages.js';
import { passwordHint } from '../auth/password-hint.js';
import { Link, useRouter } from '../router.js';
import { useServices } from '../services.js';
import { Field, FormError } from './Field.js';

const PASSWORD_HINT = passwordHint(PASSWORD_POLICY);

/**
 * What every auth screen uses: the auth service, the router, and `run`, which runs an auth call
 * with a busy flag and a one-line error message.
 */
function useAuthScreen() {
  const { auth } = useServices();
  const router = useRouter();
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
  return { auth, router, busy, error, setError, run };
}

function confirmPath(email: string): string {
  return `/confirm?email=${encodeURIComponent(email)}`;
}

/** Sign-in with the address filled in, where a finished confirmation or reset leads. */
function signInPath(email: string): string {
  return `/signin?email=${encodeURIComponent(email)}`;
}

/**
 * An auth screen: a card titled by a focusable heading (the app moves focus there on navigation),
 * with the links to the other screens below.
 */
function AuthCard({
  title,
  links,
  children,
}: {
  readonly title: string;
  readonly links: ReactNode;
  readonly children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="card">
      <h1 id={headingId} tabIndex={-1}>
        {title}
      </h1>
      {children}
      <p className="links">{links}</p>
    </section>
  );
}

/**
 * An auth form: its fields, the error of the last attempt, and the submit button, disabled while a
 * call is under way. A `secondary` button sits beside the submit button.
 */
function AuthForm({
  onSubmit,
  submitLabel,
  busy,
  error,
  secondary,
  children,
}: {
  readonly onSubmit: (event: FormEvent) => void;
  readonly submitLabel: string;
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly secondary?: ReactNode;
  readonly children: ReactNode;
}) {
  const submit = (
    <button type="submit" disabled={busy}>
      {submitLabel}
    </button>
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      {children}
      <FormError message={error} />
      {secondary ? (
        <div className="actions">
          {submit}
          {secondary}
        </div>
      ) : (
        submit
      )}
    </form>
  );
}

function Notice({ text }: { readonly text: string | undefined }) {
  return text ? (
    <p role="status" className="notice">
      {text}
    </p>
  ) : null;
}

/** What an auth form's text input takes from its screen. */
interface InputValue {
  readonly value: string;
  readonly onChange: (value: string) => void;
}

interface AuthInputProps
  extends InputValue,
    Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode'>,
    Required<Pick<InputHTMLAttributes<HTMLInputElement>, 'autoComplete'>> {
  readonly label: string;
  readonly hint?: string;
}

/**
 * A required input of an auth form. `autoComplete` is required: it is what lets password managers
 * and one-time-code autofill fill the field.
 */
function AuthInput({ label, hint, value, onChange, ...attributes }: AuthInputProps) {
  return (
    <Field label={label} hint={hint}>
      {(props) => (
        <input {...props} {...attributes} required value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

function EmailField(input: InputValue) {
  return <AuthInput label="Email" type="email" autoComplete="email" {...input} />;
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
function CodeField(input: InputValue) {
  return <AuthInput label="Confirmation code" inputMode="numeric" autoComplete="one-time-code" {...input} />;
}

/** A password being chosen (sign-up and password reset), with the policy hint. */
function NewPasswordField({ label, ...input }: InputValue & { readonly label: string }) {
  return (
    <AuthInput label={label} hint={PASSWORD_HINT} type="password" autoComplete="new-password" {...input} />
  );
}

export function SignInScreen({ onSignedIn }: { readonly onSignedIn: (email: string) => void }) {
  const { auth, router, busy, error, run } = useAuthScreen();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [password, setPassword] = useState('');

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
    <AuthCard
      title="Sign in"
      links={
        <>
          <Link to="/signup">Create an account</Link> · <Link to="/forgot">Forgot your password?</Link>
        </>
      }
    >
      <Notice text={router.notice} />
      <AuthForm onSubmit={submit} submitLabel="Sign in" busy={busy} error={error}>
        <EmailField value={email} onChange={setEmail} />
        <AuthInput
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
      </AuthForm>
    </AuthCard>
  );
}

export function SignUpScreen() {
  const { auth, router, busy, error, setError, run } = useAuthScreen();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) return setError('Enter an email address and a password.');
    void run(async () => {
      await auth.signUp(email.trim(), password);
      router.navigate(confirmPath(email.trim()), { notice: 'We emailed you a confirmation code.' });
    });
  };

  return (
    <AuthCard
      title="Create an account"
      links={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      <AuthForm onSubmit={submit} submitLabel="Sign up" busy={busy} error={error}>
        <EmailField value={email} onChange={setEmail} />
        <NewPasswordField label="Password" value={password} onChange={setPassword} />
      </AuthForm>
    </AuthCard>
  );
}

export function ConfirmSignUpScreen() {
  const { auth, router, busy, error, setError, run } = useAuthScreen();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !code.trim()) return setError('Enter your email address and the confirmation code.');
    void run(async () => {
      await auth.confirmSignUp(email.trim(), code.trim());
      router.navigate(signInPath(email.trim()), {
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
    <AuthCard title="Confirm your email" links={<Link to="/signin">Back to sign in</Link>}>
      <Notice text={sent ?? router.notice} />
      <LocalCodesHint />
      <AuthForm
        onSubmit={submit}
        submitLabel="Confirm"
        busy={busy}
        error={error}
        secondary={
          <button type="button" className="secondary" disabled={busy} onClick={resend}>
            Resend code
          </button>
        }
      >
        <EmailField value={email} onChange={setEmail} />
        <CodeField value={code} onChange={setCode} />
      </AuthForm>
    </AuthCard>
  );
}

export function ForgotPasswordScreen() {
  const { auth, router, busy, error, setError, run } = useAuthScreen();
  const [email, setEmail] = useState(router.query.get('email') ?? '');
  const [codeSent, setCodeSent] = useState(false);
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');

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
      router.navigate(signInPath(email.trim()), {
        notice: 'Your password is changed. Sign in with the new one.',
      });
    });
  };

  return (
    <AuthCard title="Reset your password" links={<Link to="/signin">Back to sign in</Link>}>
      {codeSent ? (
        <AuthForm onSubmit={reset} submitLabel="Reset password" busy={busy} error={error}>
          <p role="status" className="notice">
            If an account exists for {email.trim()}, we emailed it a code.
          </p>
          <LocalCodesHint />
          <CodeField value={code} onChange={setCode} />
          <NewPasswordField label="New password" value={newPassword} onChange={setNewPassword} />
        </AuthForm>
      ) : (
        <AuthForm onSubmit={requestCode} submitLabel="Send code" busy={busy} error={error}>
          <EmailField value={email} onChange={setEmail} />
        </AuthForm>
      )}
    </AuthCard>
  );
}
