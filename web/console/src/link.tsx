// A link inside the console: a plain click is followed without a reload (and the page starts at the top);
// a modified or middle click opens it as the browser would, in a new tab or window.
import type { ReactNode } from 'react';
import { go } from '../../shared/history';

export function InAppLink({ href, children, ...data }: { href: string; children: ReactNode } & { [k: `data-${string}`]: string }) {
  return (
    <a
      href={href}
      {...data}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        go(href);
        window.scrollTo({ top: 0 });
      }}
    >
      {children}
    </a>
  );
}
