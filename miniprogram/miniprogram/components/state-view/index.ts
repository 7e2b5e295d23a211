// Loading skeleton / error with retry / empty state; status 'ok' shows the slot.
Component({
  properties: {
    status: { type: String, value: 'ok' }, // loading | error | empty | ok
    message: { type: String, value: '' },
    retryText: { type: String, value: '重试' },
  },
  data: {
    rows: [{ width: '60%' }, { width: '100%' }, { width: '80%' }],
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    },
  },
})
