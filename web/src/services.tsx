import { createContext, type ReactNode, useContext } from 'react';
import type { TaskApi } from './api/client.js';
import type { AuthClient } from './auth/auth.js';

/** The app's outside world; main.tsx passes the real ones, component tests pass fakes. */
export interface Services {
  readonly api: TaskApi;
  readonly auth: AuthClient;
  /** The local cloud's confirmation-codes page; only set there (runtime config `localCodesUrl`). */
  readonly localCodesUrl?: string | undefined;
}

const ServicesContext = createContext<Services | undefined>(undefined);

export function ServicesProvider({
  services,
  children,
}: {
  readonly services: Services;
  readonly children: ReactNode;
}) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices must be used inside ServicesProvider');
  return services;
}
