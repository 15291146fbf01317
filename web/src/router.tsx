/**
 * A small history-API router: enough for a handful of screens. The server answers every
 * non-asset path with index.html, so each route survives a reload.
 */
import {
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
  /** A one-off message carried to the next screen ("Account confirmed…"). */
  readonly notice?: string;
}

export interface Router extends Location {
  navigate(to: string, options?: { replace?: boolean; notice?: string }): void;
}

const RouterContext = createContext<Router | undefined>(undefined);

function readLocation(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function RouterProvider({ children }: { readonly children: ReactNode }) {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const onPop = () => setLocation(readLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback<Router['navigate']>((to, options = {}) => {
    // The notice reports what this navigation did, so it lives in memory only: kept in
    // history.state, a reload or Back would show "Saved …" again long after the fact.
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLocation({ ...readLocation(), ...(options.notice ? { notice: options.notice } : {}) });
  }, []);
  const router = useMemo(() => ({ ...location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter must be used inside RouterProvider');
  return router;
}

/** An in-app link: a real `<a href>` (open in new tab works) that navigates without a reload. */
export function Link({ to, children }: { readonly to: string; readonly children: ReactNode }) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick}>
      {children}
    </a>
  );
}
