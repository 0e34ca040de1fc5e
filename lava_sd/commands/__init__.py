"""The ``lava-sd`` commands that use a model: ``train``, ``eval``, ``predict``, ``info``, ``sweep``.

Each module has ``build_parser()`` (its own ``--help``) and ``main(argv)``; ``lava_sd.cli`` lists
them. Data files are ``.npz`` archives read without pickle (``lava_sd.commands.data_files``).
"""
