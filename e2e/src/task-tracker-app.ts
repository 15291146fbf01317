/**
 * The task tracker's screens as a user sees them, found by role and accessible name (the names
 * the web app keeps for these tests), so each test reads like the journey it checks.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from './users.js';

/** A new task as the user types it into the "New task" form. */
export interface TaskDraft {
  readonly title: string;
  readonly notes?: string;
  /** `YYYY-MM-DD`. */
  readonly dueDate?: string;
  readonly tags?: readonly string[];
}

/** The filter's options, by the label the user reads. */
export type StatusFilter = 'All' | 'To do' | 'Doing' | 'Done';

export class TaskTrackerApp {
  constructor(readonly page: Page) {}

  /** Opens the app; a signed-out visitor lands on the sign-in screen. */
  async open(): Promise<void> {
    await this.page.goto('/');
  }

  /** A screen's main heading ("Sign in", "Your tasks", "Edit task", …). */
  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  /** The one-line notice a screen shows after an action ("Added “…”.", "You are signed out."). */
  get notice(): Locator {
    return this.page.locator('main').getByRole('status');
  }

  /** Form-level errors and the conflict message (role=alert). */
  get alert(): Locator {
    return this.page.locator('main').getByRole('alert');
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  // --- account ---------------------------------------------------------------------------

  /** From the sign-in screen: follows "Create an account" and submits the sign-up form. */
  async signUp(user: TestUser): Promise<void> {
    await this.page.getByRole('link', { name: 'Create an account' }).click();
    await this.heading('Create an account').waitFor();
    await this.field('Email').fill(user.email);
    await this.field('Password').fill(user.password);
    await this.button('Sign up').click();
  }

  /** On the confirmation screen (email already filled in by the app): enters the code. */
  async confirm(code: string): Promise<void> {
    await this.field('Confirmation code').fill(code);
    await this.button('Confirm').click();
  }

  /** On the sign-in screen: fills whatever the app has not filled in and signs in. */
  async signIn(user: TestUser): Promise<void> {
    await this.heading('Sign in').waitFor();
    await this.field('Email').fill(user.email);
    await this.field('Password').fill(user.password);
    await this.button('Sign in').click();
    await this.heading('Your tasks').waitFor();
    await this.tasksLoaded();
  }

  /** Waits until the task list has loaded (the first call of a fresh local cloud starts its functions). */
  async tasksLoaded(): Promise<void> {
    await this.page.getByText('Loading tasks…').waitFor({ state: 'hidden' });
  }

  async signOut(): Promise<void> {
    await this.button('Sign out').click();
  }

  // --- tasks -----------------------------------------------------------------------------

  /** The task list's entry for `title` (each entry is named by its title). */
  task(title: string): Locator {
    return this.page.getByRole('list', { name: 'Tasks' }).getByRole('listitem', { name: title, exact: true });
  }

  /** Titles in the task list as shown, top to bottom; empty when the list is not shown. */
  async taskTitles(): Promise<string[]> {
    return this.page.getByRole('list', { name: 'Tasks' }).getByRole('heading', { level: 3 }).allInnerTexts();
  }

  /** Fills the "New task" form, adds the task and waits for the app to confirm it. */
  async addTask(draft: TaskDraft): Promise<void> {
    await this.field('Title').fill(draft.title);
    if (draft.notes) await this.field('Notes').fill(draft.notes);
    if (draft.dueDate) await this.field('Due date').fill(draft.dueDate);
    if (draft.tags) await this.field('Tags').fill(draft.tags.join(', '));
    await this.button('Add task').click();
    await this.task(draft.title).waitFor();
  }

  async filterByStatus(filter: StatusFilter): Promise<void> {
    await this.field('Filter by status').selectOption({ label: filter });
  }

  /** Opens a task's edit screen and waits for its form to be filled in. */
  async startEditing(title: string): Promise<void> {
    await this.task(title).getByRole('button', { name: 'Edit' }).click();
    await this.heading('Edit task').waitFor();
    await expect.poll(() => this.field('Title').inputValue()).toBe(title);
  }

  async markDone(title: string): Promise<void> {
    await this.task(title).getByRole('button', { name: 'Mark done' }).click();
  }

  /** Sets a done task back to "To do" from the list. */
  async reopen(title: string): Promise<void> {
    await this.task(title).getByRole('button', { name: 'Reopen' }).click();
  }

  /** The status a task's entry shows ("To do", "Doing" or "Done"). */
  async statusOf(title: string): Promise<string> {
    return (
      (await this.task(title)
        .getByText(/^(To do|Doing|Done)$/)
        .textContent()) ?? ''
    );
  }

  /** The confirmation the app asks for before deleting. */
  get confirmDialog(): Locator {
    return this.page.getByRole('alertdialog');
  }

  /** Asks to delete a task and waits for the confirmation dialog (without confirming). */
  async requestDelete(title: string): Promise<void> {
    await this.task(title).getByRole('button', { name: 'Delete' }).click();
    await this.confirmDialog.waitFor();
  }
}
