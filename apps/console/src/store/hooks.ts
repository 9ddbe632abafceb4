import { useSyncExternalStore } from 'react';
import { connectionStore, type ConnectionState } from './connection-store';
import { networkStore, type NetworkState } from './network-store';
import { selectionStore, type SelectionState } from './selection-store';
import { sessionStore, type SessionState } from './session-store';
import { statusStore, type StatusState } from './status-store';

export const useNetwork = (): NetworkState =>
  useSyncExternalStore(networkStore.subscribe, networkStore.getState);

export const useConnection = (): ConnectionState =>
  useSyncExternalStore(connectionStore.subscribe, connectionStore.getState);

export const useSelection = (): SelectionState =>
  useSyncExternalStore(selectionStore.subscribe, selectionStore.getState);

export const useStatus = (): StatusState =>
  useSyncExternalStore(statusStore.subscribe, statusStore.getState);

export const useSession = (): SessionState =>
  useSyncExternalStore(sessionStore.subscribe, sessionStore.getState);
