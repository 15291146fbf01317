// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmSignUpScreen } from '../src/components/AuthScreens.js';
import { FakeTaskApi } from './fake-task-api.js';
import { renderWithServices } from './render.js';

afterEach(cleanup);

const CODES_URL = 'http://127.0.0.1:9229/_local/';

describe('ConfirmSignUpScreen', () => {
  it('on the local cloud, links the page that lists the codes it "e-mailed"', () => {
    // Arrange
    const api = new FakeTaskApi();

    // Act
    renderWithServices(<ConfirmSignUpScreen />, { api, url: '/confirm', localCodesUrl: CODES_URL });

    // Assert
    const link = screen.getByRole('link', { name: 'local codes page (opens in a new tab)' });
    expect(link.getAttribute('href')).toBe(CODES_URL);
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('on a deployed stage, mentions no local codes page', () => {
    // Arrange
    const api = new FakeTaskApi();

    // Act
    renderWithServices(<ConfirmSignUpScreen />, { api, url: '/confirm' });

    // Assert
    expect(screen.getByRole('heading', { name: 'Confirm your email' }).tagName).toBe('H1');
    expect(screen.queryByRole('link', { name: /local codes page/ })).toBeNull();
  });
});
