import type { Store } from '../store/db.js';
import { SearchService } from './search-service.js';
import { SearchStore } from './search-store.js';

/** The search room (its index is kept by the database: migration 017). */
export function createSearch(store: Store): SearchService {
  return new SearchService(new SearchStore(store.db, store.dialect));
}

export { searchRoutes } from './search-routes.js';
export { SearchService } from './search-service.js';
