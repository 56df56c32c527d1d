# bash completion for godbg, the debugger for Go programs on linux/amd64.
# Installed by `cmake --install` as share/bash-completion/completions/godbg; to try it without
# installing: source completions/godbg.bash

_godbg() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local opts="-x --init --batch --json -q --trace --help"

    case $prev in
        -x|--init|--trace)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
    esac

    # The subcommand, and where the program's own arguments start.
    local i sub= subat=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -x|--init|--trace) ((i++)) ;;
            -*) ;;
            *) sub=${words[i]}; subat=$i; break ;;
        esac
    done

    if [[ -z $sub ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$opts --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "run attach startup help" -- "$cur"))
        fi
        return
    fi

    # After PROG everything belongs to the program: complete file names.
    local j prog=0
    for ((j = subat + 1; j < cword; j++)); do
        case ${words[j]} in
            -x|--init|--trace) ((j++)) ;;
            -*) ;;
            *) prog=1; break ;;
        esac
    done

    case $sub in
        run|startup)
            if ((prog)); then
                COMPREPLY=($(compgen -f -- "$cur"))
                compopt -o filenames 2>/dev/null
            elif [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
                compopt -o filenames 2>/dev/null
            fi
            ;;
        attach)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
            elif ((!prog)); then
                # Process ids.
                COMPREPLY=($(compgen -W "$(command ps -e -o pid= 2>/dev/null)" -- "$cur"))
            fi
            ;;
        help) ;;
    esac
}
complete -F _godbg godbg
