import { type RefObject, useEffect, useState } from 'react';

export interface VirtualRange {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last to render. */
  end: number;
}

/**
 * Which rows of a fixed-height list are in view in a scrolling element, plus a margin.
 * Only the range is state, so scrolling within it renders nothing.
 */
export function useVirtualRows(
  scrollRef: RefObject<HTMLElement | null>,
  {
    count,
    rowHeight,
    offsetTop = 0,
    overscan = 8,
  }: { count: number; rowHeight: number; offsetTop?: number; overscan?: number },
): VirtualRange {
  const [range, setRange] = useState<VirtualRange>({ start: 0, end: Math.min(count, 40) });

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = () => {
      const top = Math.max(0, element.scrollTop - offsetTop);
      const height = element.clientHeight || 800;
      const start = Math.max(0, Math.floor(top / rowHeight) - overscan);
      const end = Math.min(count, Math.ceil((top + height) / rowHeight) + overscan);
      setRange((previous) => (previous.start === start && previous.end === end ? previous : { start, end }));
    };
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, [scrollRef, count, rowHeight, offsetTop, overscan]);

  return range;
}
