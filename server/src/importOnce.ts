/**
 * A module imported on first use and shared by every later caller. A failed import is tried again by the
 * next caller instead of failing every call for the rest of the server's life. `load` must be a function
 * holding a literal `import('./…')`, so that esbuild puts the module in a chunk of its own
 * (scripts/serverBuild.mjs).
 */
export function importOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
