"""Real-time events: what happened (published after commit on pub/sub), and who among the
clients connected to this process should receive it (routing)."""
