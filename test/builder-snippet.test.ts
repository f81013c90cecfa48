import { expect } from '@open-wc/testing';
import { ATTRIBUTE_DEFAULTS, THEME_DEFAULTS, buildSnippet, type SnippetOptions } from '../demo/builder.snippet.js';
import { resolveEndpoint } from '../src/internal/config.js';

const INTEGRITY = 'sha384-uVJK1GBCdzxOds0Ns0c7ABbDb6p1gi7SJ7J0Q04wqsEGaDwZ4kAsTiP9LYhBhu32';

function options(
  overrides: Partial<Omit<SnippetOptions, 'attributes'>> & { attributes?: Partial<SnippetOptions['attributes']> } = {},
): SnippetOptions {
  return {
    scriptSrc: 'https://cdn.example/gym-access-qr.js',
    format: 'module',
    integrity: INTEGRITY,
    theme: { ...THEME_DEFAULTS },
    ...overrides,
    attributes: {
      ...ATTRIBUTE_DEFAULTS,
      customerId: '{{ member.id }}',
      tokenEndpoint: 'https://api.example-gym.com/customers/{customerId}/access-code',
      ...overrides.attributes,
    },
  };
}

/** Parses the snippet as the browser will, without running it. */
function parse(snippet: string) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${snippet}`, 'text/html');
  return {
    script: doc.querySelector('script')!,
    element: doc.querySelector('gym-access-qr')!,
    style: doc.querySelector('style'),
    tags: [...doc.body.children].map((child) => child.localName),
  };
}

describe('buildSnippet', () => {
  it('with the defaults: a module script with its integrity, and a tag with only the id and endpoint', () => {
    const snippet = buildSnippet(options());
    expect(snippet).to.equal(
      `<script type="module" src="https://cdn.example/gym-access-qr.js" integrity="${INTEGRITY}" crossorigin="anonymous"></script>\n` +
        '<gym-access-qr customer-id="{{ member.id }}" token-endpoint="https://api.example-gym.com/customers/{customerId}/access-code"></gym-access-qr>\n',
    );
    const { element, style, tags } = parse(snippet);
    expect(tags).to.deep.equal(['script', 'gym-access-qr']);
    expect(style).to.equal(null);
    expect(element.getAttributeNames()).to.deep.equal(['customer-id', 'token-endpoint']);
  });

  it('adds exactly the attributes that differ from their defaults', () => {
    const { element } = parse(
      buildSnippet(
        options({
          attributes: {
            eventsEndpoint: '/api/customers/{customerId}/events',
            lang: 'de',
            errorCorrection: 'H',
            afterCheckin: 'refresh',
            credentials: 'include',
            keepAwake: true,
            enlarge: 'off',
          },
        }),
      ),
    );
    expect(
      Object.fromEntries(element.getAttributeNames().map((name) => [name, element.getAttribute(name)])),
    ).to.deep.equal({
      'customer-id': '{{ member.id }}',
      'token-endpoint': 'https://api.example-gym.com/customers/{customerId}/access-code',
      'events-endpoint': '/api/customers/{customerId}/events',
      lang: 'de',
      'error-correction': 'H',
      'after-checkin': 'refresh',
      credentials: 'include',
      'keep-awake': '',
      enlarge: 'off',
    });
  });

  it('leaves out an attribute set back to its default', () => {
    const { element } = parse(
      buildSnippet(
        options({
          attributes: {
            errorCorrection: 'M',
            afterCheckin: 'prompt',
            credentials: 'same-origin',
            enlarge: 'on',
            keepAwake: false,
            lang: '',
          },
        }),
      ),
    );
    expect(element.getAttributeNames()).to.deep.equal(['customer-id', 'token-endpoint']);
  });

  it('a style block with only the changed custom properties; the same colour in capitals is no change', () => {
    const snippet = buildSnippet(
      options({
        theme: {
          ...THEME_DEFAULTS,
          '--gym-access-qr-accent': '#0EA5E9',
          '--gym-access-qr-dark': '#000000',
          '--gym-access-qr-light': '#FFFFFF',
          '--gym-access-qr-radius': '0',
        },
      }),
    );
    const { style } = parse(snippet);
    expect(style!.textContent).to.equal(
      '\n  gym-access-qr {\n    --gym-access-qr-accent: #0EA5E9;\n    --gym-access-qr-radius: 0;\n  }\n',
    );
  });

  it('drops a custom property value that would break out of the style block, and unknown properties', () => {
    const { style } = parse(
      buildSnippet(
        options({
          theme: {
            ...THEME_DEFAULTS,
            '--gym-access-qr-font': 'x; } body { display: none',
            '--gym-access-qr-size': '</style><script>alert(1)</script>',
            '--other': 'red',
          },
        }),
      ),
    );
    expect(style).to.equal(null);
  });

  it('keeps a CMS placeholder as written and cannot be broken out of by quotes or tags', () => {
    const { element, tags } = parse(
      buildSnippet(options({ attributes: { customerId: `{{ member.id }}"><img src=x onerror=alert(1)>` } })),
    );
    expect(tags).to.deep.equal(['script', 'gym-access-qr']);
    expect(element.getAttribute('customer-id')).to.equal(`{{ member.id }}"><img src=x onerror=alert(1)>`);
  });

  it('a classic script for the IIFE bundle, and no integrity when the build has none', () => {
    const { script } = parse(
      buildSnippet(
        options({ format: 'classic', scriptSrc: 'https://cdn.example/gym-access-qr.iife.js', integrity: null }),
      ),
    );
    expect(script.getAttributeNames()).to.deep.equal(['src']);
    expect(script.getAttribute('src')).to.equal('https://cdn.example/gym-access-qr.iife.js');
  });

  it('puts many attributes on their own lines', () => {
    const snippet = buildSnippet(
      options({ attributes: { eventsEndpoint: '/e', errorCorrection: 'Q', keepAwake: true } }),
    );
    expect(snippet).to.contain(
      '<gym-access-qr\n  customer-id="{{ member.id }}"\n  token-endpoint="https://api.example-gym.com/customers/{customerId}/access-code"\n  events-endpoint="/e"\n  error-correction="Q"\n  keep-awake\n></gym-access-qr>',
    );
  });

  describe('with preconnect, as the builder makes it', () => {
    const links = (snippet: string) =>
      [...new DOMParser().parseFromString(snippet, 'text/html').querySelectorAll('link')].map((link) => ({
        rel: link.rel,
        href: link.getAttribute('href'),
        crossorigin: link.getAttribute('crossorigin'),
      }));

    it("opens the token endpoint's origin first, anonymous as the element's requests are", () => {
      const snippet = buildSnippet(options({ preconnect: true }));
      expect(snippet.split('\n')[0]).to.equal('<link rel="preconnect" href="https://api.example-gym.com" crossorigin>');
      expect(links(snippet)).to.deep.equal([
        { rel: 'preconnect', href: 'https://api.example-gym.com', crossorigin: '' },
      ]);
      expect(parse(snippet).tags).to.deep.equal(['link', 'script', 'gym-access-qr']);
    });

    it('opens a connection with cookies when credentials="include"', () => {
      expect(links(buildSnippet(options({ preconnect: true, attributes: { credentials: 'include' } })))).to.deep.equal([
        { rel: 'preconnect', href: 'https://api.example-gym.com', crossorigin: null },
      ]);
    });

    it("adds the events endpoint's origin when it is another one, each origin once", () => {
      const same = buildSnippet(
        options({
          preconnect: true,
          attributes: { eventsEndpoint: 'https://api.example-gym.com/customers/{customerId}/events' },
        }),
      );
      expect(links(same).map((link) => link.href)).to.deep.equal(['https://api.example-gym.com']);
      const other = buildSnippet(
        options({ preconnect: true, attributes: { eventsEndpoint: 'https://events.example-gym.com/{customerId}' } }),
      );
      expect(links(other).map((link) => link.href)).to.deep.equal([
        'https://api.example-gym.com',
        'https://events.example-gym.com',
      ]);
    });

    it("nothing for the page's own endpoints, or a host that is still a CMS placeholder", () => {
      const relative = buildSnippet(
        options({ preconnect: true, attributes: { tokenEndpoint: '/api/customers/{customerId}/access-code' } }),
      );
      expect(links(relative)).to.deep.equal([]);
      const placeholder = buildSnippet(
        options({
          preconnect: true,
          attributes: { tokenEndpoint: 'https://{{ site.relay }}/customers/{customerId}/access-code' },
        }),
      );
      expect(links(placeholder)).to.deep.equal([]);
    });
  });
  describe('with the first code preloaded', () => {
    const preloads = (snippet: string) =>
      [...new DOMParser().parseFromString(snippet, 'text/html').querySelectorAll('link[rel="preload"]')].map((link) => [
        link.getAttribute('as'),
        link.getAttribute('href'),
        link.getAttribute('crossorigin'),
      ]);

    it("asks for the element's own URL, the id or its CMS placeholder in place, before the script", () => {
      const snippet = buildSnippet(options({ preconnect: true, preload: true }));
      expect(preloads(snippet)).to.deep.equal([
        ['fetch', 'https://api.example-gym.com/customers/{{ member.id }}/access-code', ''],
      ]);
      expect(parse(snippet).tags).to.deep.equal(['link', 'link', 'script', 'gym-access-qr']);
      const fixed = buildSnippet(options({ preload: true, attributes: { customerId: '1234567' } }));
      expect(preloads(fixed)).to.deep.equal([
        ['fetch', 'https://api.example-gym.com/customers/1234567/access-code', ''],
      ]);
    });

    it('sends cookies with credentials="include", and is left out where no preload could serve the element', () => {
      const include = buildSnippet(options({ preload: true, attributes: { credentials: 'include' } }));
      expect(preloads(include).map(([, , mode]) => mode)).to.deep.equal(['use-credentials']);
      for (const attributes of [{ credentials: 'omit' as const }, { customerId: '' }, { tokenEndpoint: '' }]) {
        expect(
          preloads(buildSnippet(options({ preload: true, attributes }))),
          JSON.stringify(attributes),
        ).to.deep.equal([]);
      }
      expect(preloads(buildSnippet(options()))).to.deep.equal([]);
    });

    it('a preloaded URL is the one the element asks for', () => {
      const snippet = buildSnippet(
        options({
          preload: true,
          attributes: { customerId: '1234567', tokenEndpoint: '/api/customers/{customerId}/code' },
        }),
      );
      const link = new DOMParser().parseFromString(snippet, 'text/html').querySelector('link')!;
      const asked = resolveEndpoint('/api/customers/{customerId}/code', '1234567', document.baseURI);
      expect(asked.status === 'ready' && asked.url).to.equal(
        new URL(link.getAttribute('href')!, document.baseURI).href,
      );
    });
  });
});
