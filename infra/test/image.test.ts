import { describe, expect, it } from 'vitest';
import { ImageUnavailableError, planImage } from '../scripts/image.js';

const IMAGE = 'tasktracker/web:abc1234';

describe('the laptop deploy image step', () => {
  it('uses an image already in ECR as is: its tag is immutable, a second push would fail', () => {
    expect(planImage(IMAGE, true, 'docker')).toEqual({ action: 'use-existing' });
    expect(planImage(IMAGE, true, undefined)).toEqual({ action: 'use-existing' });
  });

  it('builds and pushes a missing image with the running engine', () => {
    expect(planImage(IMAGE, false, 'podman')).toEqual({ action: 'build-and-push', engine: 'podman' });
  });

  it('stops when the image is missing and nothing can build it', () => {
    expect(() => planImage(IMAGE, false, undefined)).toThrow(ImageUnavailableError);
  });
});
