git add weather.py
git commit -m "A flow that workers pull from git"
