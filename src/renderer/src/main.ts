import { createApp } from 'vue'
import App from './App.vue'
import { connectWorkbench } from './apiClient'

createApp(App, { connection: connectWorkbench(window) }).mount('#app')
