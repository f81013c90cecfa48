import { expect } from '@open-wc/testing';
import { isCustomerId, resolveEndpoint } from '../src/internal/config.js';

describe('isCustomerId', () => {
  it('takes 1 to 19 digits within int64', () => {
    for (const id of ['0', '1234567', '9223372036854775807', '0000000000000000001'])
      expect(isCustomerId(id), id).to.equal(true);
  });

  it('refuses anything else', () => {
    for (const id of ['', '12a', '../x', '-1', '1.5', ' 1', '12345678901234567890', '9223372036854775808', '１２３']) {
      expect(isCustomerId(id), id).to.equal(false);
    }
  });
});

describe('resolveEndpoint', () => {
  const base = 'https://portal.gym.example/members/app';

  it('replaces every {customerId} and resolves against the document', () => {
    expect(resolveEndpoint('/api/{customerId}/code?c={customerId}', '42', base)).to.deep.equal({
      status: 'ready',
      url: 'https://portal.gym.example/api/42/code?c=42',
    });
    expect(resolveEndpoint('code', '42', base)).to.deep.equal({
      status: 'ready',
      url: 'https://portal.gym.example/members/code',
    });
  });

  it('is idle until both values are there', () => {
    expect(resolveEndpoint('', '42', base).status).to.equal('idle');
    expect(resolveEndpoint('/api/{customerId}', '', base).status).to.equal('idle');
  });

  it('refuses a bad id before looking at the URL', () => {
    expect(resolveEndpoint('/api/{customerId}', '4/2', base)).to.deep.include({ status: 'invalid' });
  });

  it('allows only http and https', () => {
    expect(resolveEndpoint('http://localhost:3000/{customerId}', '42', base).status).to.equal('ready');
    for (const url of ['javascript:alert(1)', 'data:text/plain,1', 'file:///etc/passwd', 'blob:https://x/1']) {
      expect(resolveEndpoint(url, '42', base).status, url).to.equal('invalid');
    }
    expect(resolveEndpoint('http://[::1', '42', base)).to.deep.equal({
      status: 'invalid',
      message: 'token-endpoint is not a valid URL',
    });
  });
});
