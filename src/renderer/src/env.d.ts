// Ambient declarations for the renderer (a script file: no top-level import or export).

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** The preload's bridge (src/preload/index.ts): { call, listen }. Absent outside Electron. */
  readonly workbench?: import('../../shared/api/apiProxy').ApiBridge
}
