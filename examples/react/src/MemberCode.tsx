// <gym-access-qr> in React 19: attributes as JSX attributes, requestHeaders
// as a property (React 19 sets a prop as a property when the element has
// one), and events through `on` + the event's name, which React 19 adds as
// listeners on custom elements. The generated types check all three.
import { useState } from 'react';
import 'gym-access-qr/define.js';
import type {} from 'gym-access-qr/react';

// In an app this reads the signed-in member's token; called before every request.
const requestHeaders = async () => ({ Authorization: 'Bearer demo-member-token' });

export function MemberCode({ customerId }: { customerId: string }) {
  const [status, setStatus] = useState('Loading your code…');
  return (
    <main>
      <h1>Your check-in code</h1>
      <gym-access-qr
        customer-id={customerId}
        token-endpoint="/v1/customers/{customerId}/access-code"
        events-endpoint="/v1/customers/{customerId}/events"
        error-correction="Q"
        after-checkin="prompt"
        requestHeaders={requestHeaders}
        ongym-access-qr-refresh={(event) =>
          setStatus(
            event.detail.expiresAt
              ? `New code, valid until ${new Date(event.detail.expiresAt).toLocaleTimeString()}`
              : 'New code',
          )
        }
        ongym-access-qr-invalidated={(event) =>
          setStatus(event.detail.reason === 'checkin' ? 'Checked in' : 'Code withdrawn')
        }
        ongym-access-qr-error={(event) => setStatus(`Problem: ${event.detail.kind}`)}
      />
      <p id="status" role="status">
        {status}
      </p>
    </main>
  );
}
