// A turnstile for the demo: reads a QR from the camera (BarcodeDetector where
// the browser has it, jsQR elsewhere), or takes the member's current code from
// the mock Open API, and posts it to /gate/scan.
import jsQR from 'jsqr';

const verdict = document.querySelector<HTMLDivElement>('#verdict')!;
const video = document.querySelector<HTMLVideoElement>('#video')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const desk = document.querySelector<HTMLFormElement>('#desk')!;
const studio = document.querySelector<HTMLSelectElement>('#studio')!;

// The member page links here with its studio; each studio's gate asks that studio's Magicline.
const linked = new URLSearchParams(location.search).get('studio');
if (linked && [...studio.options].some((option) => option.value === linked)) studio.value = linked;
const forStudio = () => `studio=${encodeURIComponent(studio.value)}`;

/** The same code seen in consecutive frames is one scan. */
const REPEAT_MS = 3_000;
let lastContent = '';
let lastAt = 0;

async function submit(content: string) {
  const now = performance.now();
  if (content === lastContent && now - lastAt < REPEAT_MS) return;
  lastContent = content;
  lastAt = now;
  const response = await fetch(`/gate/scan?${forStudio()}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ content }),
  });
  const answer = (await response.json()) as { result?: string; reason?: string; customerId?: string };
  const granted = answer.result === 'granted';
  verdict.className = `verdict ${granted ? 'granted' : 'denied'}`;
  verdict.textContent = granted ? 'Welcome!' : `Denied: ${answer.reason ?? response.status}`;
  const item = document.createElement('li');
  // The gate may show who came in, never the code itself.
  item.textContent = `${new Date().toLocaleTimeString()}  ${studio.selectedOptions[0]?.text ?? studio.value}: ${granted ? `granted, customer ${answer.customerId}` : `denied (${answer.reason})`}`;
  log.prepend(item);
}

desk.addEventListener('submit', async (event) => {
  event.preventDefault();
  const customerId = String(new FormData(desk).get('customerId'));
  const response = await fetch(`/mock/current-code?${forStudio()}&customerId=${encodeURIComponent(customerId)}`);
  if (!response.ok) {
    verdict.className = 'verdict denied';
    verdict.textContent = 'No code issued to that member yet';
    return;
  }
  lastContent = '';
  await submit((await response.json()).content);
});

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

function makeReader(): (frame: HTMLCanvasElement) => Promise<string | null> {
  const Native = (globalThis as { BarcodeDetector?: new (options: { formats: string[] }) => Detector }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ['qr_code'] });
    return async (frame) => (await detector.detect(frame))[0]?.rawValue ?? null;
  }
  return async (frame) => {
    const context = frame.getContext('2d', { willReadFrequently: true })!;
    const { data, width, height } = context.getImageData(0, 0, frame.width, frame.height);
    return jsQR(data, width, height)?.data ?? null;
  };
}

document.querySelector('#start')!.addEventListener('click', async () => {
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch {
    verdict.className = 'verdict denied';
    verdict.textContent = 'No camera: use the button below';
    return;
  }
  await video.play();
  video.dataset.live = '';
  const read = makeReader();
  const frame = document.createElement('canvas');
  const tick = async () => {
    if (video.videoWidth) {
      frame.width = video.videoWidth;
      frame.height = video.videoHeight;
      frame.getContext('2d', { willReadFrequently: true })!.drawImage(video, 0, 0);
      const content = await read(frame);
      if (content) await submit(content);
    }
    // A few reads a second are plenty at a turnstile.
    setTimeout(() => requestAnimationFrame(() => void tick()), 200);
  };
  void tick();
});
