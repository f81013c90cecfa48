/**
 * Listens for the page events after which the access code's situation is
 * looked at again: the page shown or hidden (`visibilitychange`, `pageshow`
 * from the back/forward cache) and the network back (`online`). Returns the
 * function that stops listening.
 */
export function watchPage(onShownOrHidden: () => void, onOnline: () => void): () => void {
  document.addEventListener('visibilitychange', onShownOrHidden);
  window.addEventListener('pageshow', onShownOrHidden);
  window.addEventListener('online', onOnline);
  return () => {
    document.removeEventListener('visibilitychange', onShownOrHidden);
    window.removeEventListener('pageshow', onShownOrHidden);
    window.removeEventListener('online', onOnline);
  };
}
