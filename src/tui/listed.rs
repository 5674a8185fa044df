//! `listed!`: an enum of plain variants and its `ALL`, written once, so a new
//! variant is in `ALL` by construction (a mode without its keys in the help, a
//! pane the cursors skip, cannot happen).

macro_rules! listed {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)+ }) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];
        }
    };
}

pub(crate) use listed;
