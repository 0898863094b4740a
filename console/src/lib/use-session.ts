import { useSyncExternalStore } from 'react';
import { getSession, type SessionUser, subscribeSession } from './session.ts';

export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession);
}

/** The signed-in user (screens behind the sign-in guard only). */
export function useUser(): SessionUser {
  const session = useSession();
  if (!session) throw new Error('useUser outside the signed-in area');
  return session.user;
}
