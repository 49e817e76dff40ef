/** Task signatures: what masking keeps and what it hides. */
import { describe, expect, it } from 'vitest';
import { maskVariable, taskSignature } from '../../src/classify/signature.js';

describe('maskVariable', () => {
  it('masks e-mail addresses wherever they sit in a run of address characters', () => {
    expect(maskVariable('Mail first.last+tag@example.co.uk today')).toBe('mail <email> today');
    expect(maskVariable('(a@b.io)')).toBe('( <email> )');
    expect(maskVariable('Reply to x.y@z.org, then wait')).toBe('reply to <email> , then wait');
  });

  it('leaves a long word without @ as it is (one pass, not a retry from each of its characters)', () => {
    const word = 'z'.repeat(5000);
    expect(maskVariable(`say ${word} now`)).toBe(`say ${word} now`);
  });

  it('gives requests made from one template one signature, and another template another', () => {
    const a = taskSignature({ prompt: 'Summarize ticket 4411 from ann@corp.com for the support team: printer jams' });
    const b = taskSignature({ prompt: 'Summarize ticket 98 from bob.k@corp.io for the support team: VPN is down' });
    const c = taskSignature({ prompt: 'Translate this into French: hello' });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });
});
