import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MemberCode } from './MemberCode.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MemberCode customerId="1234567" />
  </StrictMode>,
);
