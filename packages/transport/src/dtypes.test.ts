import { describe, expect, it } from 'vitest';
import { viewFrame } from './dtypes.js';

describe('viewFrame', () => {
  it('views an aligned frame in place and copies a misaligned one', () => {
    const bytes = Buffer.alloc(17);
    const aligned = viewFrame(bytes.subarray(0, 16), 'f32');
    expect(aligned.buffer).toBe(bytes.buffer);
    const odd = viewFrame(bytes.subarray(1, 17), 'i32');
    expect(odd.buffer).not.toBe(bytes.buffer);
    expect(odd.length).toBe(4);
  });
});
