import { mount } from 'svelte'
import './styles/app.css'
import App from './App.svelte'
import { connectSocketApi } from './api/socket-client'
import { errorMessage } from '../../shared/error-message'

const target = document.getElementById('app')!

// In Electron the preload has set `window.api`; in browser mode the same api comes over a socket.
try {
  if (!window.api) window.api = await connectSocketApi(window.location)
  mount(App, { target })
} catch (error) {
  const message = document.createElement('p')
  message.className = 'startup-failure'
  message.textContent = errorMessage(error)
  target.replaceChildren(message)
}
