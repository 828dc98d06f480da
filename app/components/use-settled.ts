import { useEffect, useRef } from "react";

/** Runs `onSettled` once each time `busy` goes from true back to false (a post or fetcher finished). */
export function useSettled(busy: boolean, onSettled: () => void) {
  const wasBusy = useRef(false);
  const callback = useRef(onSettled);
  callback.current = onSettled;
  useEffect(() => {
    if (busy) {
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    callback.current();
  }, [busy]);
}
