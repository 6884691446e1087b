/**
 * The renderer's entry: Pinia, the connection to the services (the Electron bridge or the
 * browser-mode WebSocket, apiClient.ts), and the application shell.
 */
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { connectWorkbench } from './apiClient'
import { useConnectionStore } from './stores/connectionStore'

const app = createApp(App)
app.use(createPinia())

const connection = connectWorkbench(window)
const store = useConnectionStore()
if (connection.mode === 'unavailable') store.markUnavailable(connection.reason)
else store.connect(connection.client, connection.mode === 'browser' ? connection.connection : undefined)

app.mount('#app')
