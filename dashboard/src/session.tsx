import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.ts';
import type { Role } from './api-types.ts';

/** The signed-in key and its role, kept in sessionStorage: gone when the tab closes. */
export interface StoredSession {
  key: string;
  role: Role;
}

const STORAGE_KEY = 'upshot.session';

export function loadSession(): StoredSession | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    return stored && typeof stored.key === 'string' && (stored.role === 'admin' || stored.role === 'analyst') ? stored : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession | null): void {
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
}

export interface Session extends StoredSession {
  api: Api;
  /** Admins change experiments; analysts only read. The API decides either way (403). */
  canEdit: boolean;
  signOut: (reason?: 'expired') => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
