# shellcheck shell=bash
# Process checks by PID, shared by lab.sh and test/bench/live-overhead.sh (sourced, not run). They read
# /proc only: a check must not fork, or it can look at a child before it has exec'd (see stop_strace).

pid_alive() { # pid: true if the process exists and is not a zombie (whatever it runs)
  local st
  [[ $1 =~ ^[0-9]+$ ]] && (($1 > 1)) || return 1
  read -r st 2>/dev/null <"/proc/$1/stat" || return 1
  st=${st##*) }
  [[ ${st%% *} != Z ]]
}

pid_is() { # pid comm-regex: true if the process exists, is not a zombie and its comm matches
  local pid=$1 want=$2 comm st
  [[ $pid =~ ^[0-9]+$ ]] && ((pid > 1)) || return 1
  read -r comm 2>/dev/null <"/proc/$pid/comm" || return 1
  # an exited process whose parent has not reaped it yet is gone for our purposes (state Z after "(comm) ")
  read -r st 2>/dev/null <"/proc/$pid/stat" || return 1
  st=${st##*) }
  [[ ${st%% *} != Z ]] || return 1
  [[ $comm =~ ^($want)$ ]]
}
