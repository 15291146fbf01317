// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterProvider, useRouter } from '../src/router.js';

afterEach(cleanup);

/** A screen that shows the router's notice and saves with one, as the edit screen does. */
function SavingScreen() {
  const router = useRouter();
  return (
    <>
      <p role="status">{router.notice}</p>
      <button type="button" onClick={() => router.navigate('/', { notice: 'Saved “Report”.' })}>
        Save
      </button>
    </>
  );
}

function openApp() {
  return render(
    <RouterProvider>
      <SavingScreen />
    </RouterProvider>,
  );
}

describe('RouterProvider', () => {
  it('carries a notice to the next screen, but not into a reload of that screen', async () => {
    // Arrange
    window.history.replaceState(null, '', '/tasks/t1');
    const app = openApp();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('status').textContent).toBe('Saved “Report”.');

    // Act: a reload starts the app afresh on the same history entry.
    app.unmount();
    openApp();

    // Assert
    expect(window.location.pathname).toBe('/');
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('does not bring a notice back when the user goes Back to the screen that showed it', async () => {
    // Arrange
    window.history.replaceState(null, '', '/tasks/t1');
    openApp();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    window.history.pushState(null, '', '/tasks/t2');

    // Act
    window.history.back();
    await new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));

    // Assert
    expect(window.location.pathname).toBe('/');
    expect(screen.getByRole('status').textContent).toBe('');
  });
});
