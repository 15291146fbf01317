/** What a screen reader announces as a control's description: the texts its `aria-describedby` names. */
export function descriptionOf(control: Element): string {
  return (control.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter((id) => id !== '')
    .map((id) => control.ownerDocument.getElementById(id)?.textContent ?? '')
    .join(' ');
}
